//! Drain's fixed-depth prefix tree: the first level splits messages by token count, the next
//! `depth` levels by their first tokens, and the leaves hold the few templates a message is
//! compared with. Tokens with digits, and any token once a node has `max_children`, go down the
//! `<*>` branch, so a node never grows past its limit. Nodes left empty by an eviction are removed,
//! so the tree stays proportional to the number of templates.

use std::collections::HashMap;

use super::drain::TemplateId;
use super::mask::WILDCARD;

#[derive(Debug, Clone, Default)]
struct Node {
    children: HashMap<String, Node>,
    templates: Vec<TemplateId>,
}

/// Templates by token count and first tokens.
#[derive(Debug, Clone)]
pub(crate) struct PrefixTree {
    by_length: HashMap<usize, Node>,
    depth: usize,
    max_children: usize,
}

impl PrefixTree {
    pub(crate) fn new(depth: usize, max_children: usize) -> Self {
        Self {
            by_length: HashMap::new(),
            depth,
            max_children: max_children.max(2),
        }
    }

    /// The templates to compare a message of `tokens` with.
    pub(crate) fn candidates(&self, tokens: &[String]) -> &[TemplateId] {
        let Some(mut node) = self.by_length.get(&tokens.len()) else {
            return &[];
        };
        for token in tokens.iter().take(self.depth) {
            match node.children.get(token).or_else(|| node.children.get(WILDCARD)) {
                Some(child) => node = child,
                None => return &[],
            }
        }
        &node.templates
    }

    /// Files `id` under the leaf for `tokens`, and returns the keys of the path taken.
    pub(crate) fn insert(&mut self, tokens: &[String], id: TemplateId) -> Vec<String> {
        let max_children = self.max_children;
        let mut node = self.by_length.entry(tokens.len()).or_default();
        let mut path = Vec::new();
        for token in tokens.iter().take(self.depth) {
            // One of the `max_children` places is kept for the `<*>` branch.
            let reserved = usize::from(!node.children.contains_key(WILDCARD));
            let key = if node.children.contains_key(token) {
                token.as_str()
            } else if token.chars().any(|c| c.is_ascii_digit()) || node.children.len() + reserved >= max_children {
                WILDCARD
            } else {
                token.as_str()
            };
            path.push(key.to_owned());
            node = node.children.entry(key.to_owned()).or_default();
        }
        node.templates.push(id);
        path
    }

    /// Takes `id` out of the leaf at `path` under `length` tokens, removing emptied nodes.
    pub(crate) fn remove(&mut self, length: usize, path: &[String], id: TemplateId) {
        if let Some(node) = self.by_length.get_mut(&length)
            && remove_at(node, path, id)
        {
            self.by_length.remove(&length);
        }
    }
}

/// Removes `id` below `node`; true when `node` is left empty.
fn remove_at(node: &mut Node, path: &[String], id: TemplateId) -> bool {
    match path.split_first() {
        None => node.templates.retain(|t| *t != id),
        Some((key, rest)) => {
            if let Some(child) = node.children.get_mut(key)
                && remove_at(child, rest, id)
            {
                node.children.remove(key);
            }
        }
    }
    node.templates.is_empty() && node.children.is_empty()
}
