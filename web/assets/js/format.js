// Why: how the API's values map to what people see and pick: local date-times to RFC 3339,
// reminder minutes and RRULEs to the choices of the forms' selects.

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'];

export const REMIND_CHOICES = [
  ['', 'No reminder'],
  ['5', '5 minutes before'],
  ['15', '15 minutes before'],
  ['60', '1 hour before'],
  ['1440', '1 day before'],
];

export const REPEAT_CHOICES = [
  ['', 'Does not repeat'],
  ['FREQ=DAILY', 'Daily'],
  ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'Weekdays'],
  ['FREQ=WEEKLY', 'Weekly'],
  ['FREQ=MONTHLY', 'Monthly'],
];

/** Fills a select with [value, label] choices. */
export function fillSelect(select, choices) {
  select.replaceChildren(
    ...choices.map(([value, label]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
}

/** Selects `value`, adding it as an extra choice when the list does not have it (a custom RRULE). */
export function selectValue(select, value, label = value) {
  const v = value === null || value === undefined ? '' : String(value);
  if (![...select.options].some((o) => o.value === v)) {
    const option = document.createElement('option');
    option.value = v;
    option.textContent = label;
    select.append(option);
  }
  select.value = v;
}

export function remindLabel(minutes) {
  const hit = REMIND_CHOICES.find(([v]) => v === String(minutes));
  if (hit) return hit[1];
  if (minutes % 1440 === 0) return `${minutes / 1440} days before`;
  if (minutes % 60 === 0) return `${minutes / 60} hours before`;
  return `${minutes} minutes before`;
}

export function repeatLabel(rrule) {
  const hit = REPEAT_CHOICES.find(([v]) => v === rrule);
  return hit ? hit[1] : `Custom (${rrule})`;
}

const pad = (n) => String(n).padStart(2, '0');

/** An RFC 3339 time as a `datetime-local` value in the browser's time zone. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (the browser's time zone) as RFC 3339 in UTC, or null when empty. */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

/** A time for people, in the browser's time zone. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** Tags typed as "home, Shop ,," → ["home", "shop"]. */
export function parseTags(text) {
  const tags = text.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  return [...new Set(tags)];
}

/** Start of the browser's local day, `days` days from today. */
export function localDay(days = 0) {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
}

export function timeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    return '';
  }
}
