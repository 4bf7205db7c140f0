//! A bounded memory of the windows (or single values) a series has shown: each new window is
//! compared with the nearest remembered one, and one unlike all of them is remembered in turn.
//! This is the "resonance or new category" step of adaptive resonance theory, the idea behind
//! ARTime (the best published NAB detector), reduced to what streaming metrics need.

/// Up to `capacity` prototypes of `width` values each, stored flat.
#[derive(Debug, Clone)]
pub(crate) struct Prototypes {
    width: usize,
    capacity: usize,
    values: Vec<f64>,
    uses: Vec<u32>,
}

/// How a window compared with the memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Match {
    /// Mean absolute difference to the nearest prototype, in the series' units.
    pub(crate) distance: f64,
    /// Whether the window was farther than the vigilance and became a prototype.
    pub(crate) novel: bool,
}

impl Prototypes {
    pub(crate) fn new(width: usize, capacity: usize) -> Self {
        Self {
            width,
            capacity,
            values: Vec::with_capacity(width * capacity),
            uses: Vec::with_capacity(capacity),
        }
    }

    /// Matches `window` (exactly `width` values) against the memory; a window farther than
    /// `vigilance` from every prototype becomes one, replacing the least used when full.
    pub(crate) fn observe(&mut self, window: &[f64], vigilance: f64) -> Match {
        debug_assert_eq!(window.len(), self.width);
        let (distance, nearest) = self.nearest(window);
        let novel = distance > vigilance;
        if novel {
            if self.uses.len() < self.capacity {
                self.values.extend_from_slice(window);
                self.uses.push(1);
            } else {
                let victim = (0..self.uses.len()).min_by_key(|&i| self.uses[i]).unwrap_or(0);
                self.values[victim * self.width..(victim + 1) * self.width].copy_from_slice(window);
                self.uses[victim] = 1;
            }
        } else if let Some(nearest) = nearest {
            self.uses[nearest] = self.uses[nearest].saturating_add(1);
        }
        Match { distance, novel }
    }

    /// The distance to the nearest prototype and its index (infinite and none when empty).
    /// A prototype is abandoned as soon as its partial sum exceeds the best so far.
    fn nearest(&self, window: &[f64]) -> (f64, Option<usize>) {
        let width = self.width as f64;
        let mut best = (f64::INFINITY, None);
        for (index, prototype) in self.values.chunks_exact(self.width).enumerate() {
            let bound = best.0 * width;
            let mut sum = 0.0;
            for (p, x) in prototype.iter().zip(window) {
                sum += (p - x).abs();
                if sum >= bound {
                    break;
                }
            }
            if sum < bound {
                best = (sum / width, Some(index));
            }
        }
        best
    }
}
