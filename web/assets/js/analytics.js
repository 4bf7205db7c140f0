// Why: the analytics view: the completion rate and four charts from
// GET /api/analytics/summary, /trends (created and completed per UTC day) and /intents.

import { get, describe, AuthRequired } from './api.js';
import { showError } from './dom.js';
import { PRIORITIES } from './format.js';
import { barChart, lineChart } from './charts.js';

function percent(rate) {
  return `${Math.round((rate || 0) * 100)} %`;
}

function renderSummary(summary) {
  document.getElementById('completion-rate').textContent = percent(summary.completion_rate);
  document.getElementById('completion-detail').textContent = summary.created
    ? `${summary.completed} completed of ${summary.created} created; ${summary.open} open, ${summary.overdue} overdue.`
    : 'No tasks created in the last 30 days yet.';
  const byPriority = summary.by_priority || {};
  barChart(document.getElementById('chart-priority'),
    PRIORITIES.map((p) => ({ label: p, value: byPriority[p] || 0, cls: `priority-${p}` })),
    { emptyText: 'No open tasks.' });
  const tags = Object.entries(summary.by_tag || {})
    .map(([label, value]) => ({ label: `#${label}`, value }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
    .slice(0, 12);
  barChart(document.getElementById('chart-tags'), tags, { emptyText: 'No open tasks with tags.' });
}

function renderTrend(created, completed) {
  const labels = created.points.map((p) => p.start);
  const done = new Map(completed.points.map((p) => [p.start, p.value]));
  lineChart(document.getElementById('chart-trend'), labels, [
    { name: 'Created', values: created.points.map((p) => p.value), cls: 'created' },
    { name: 'Completed', values: labels.map((l) => done.get(l) || 0), cls: 'completed' },
  ], { emptyText: 'No tasks created or completed in the last 30 days.' });
}

function renderIntents(intents) {
  const data = (intents.intents || []).map((i) => ({ label: i.intent, value: i.count }));
  if (intents.failed) data.push({ label: 'not understood', value: intents.failed, cls: 'failed' });
  barChart(document.getElementById('chart-intents'), data, { emptyText: 'No chat messages yet.' });
}

export async function loadAnalytics() {
  showError('analytics-error', '');
  try {
    const [summary, created, completed, intents] = await Promise.all([
      get('/api/analytics/summary'),
      get('/api/analytics/trends', 'metric=tasks_created&bucket=day'),
      get('/api/analytics/trends', 'metric=tasks_completed&bucket=day'),
      get('/api/analytics/intents'),
    ]);
    renderSummary(summary.data);
    renderTrend(created.data, completed.data);
    renderIntents(intents.data);
  } catch (err) {
    if (!(err instanceof AuthRequired)) showError('analytics-error', `Could not load analytics. ${describe(err)}`);
  }
}
