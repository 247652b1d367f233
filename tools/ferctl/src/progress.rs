// SPDX-License-Identifier: GPL-2.0
//! Progress of a long batch on a terminal: one line, redrawn in place at
//! most every [`REDRAW`], with the lines done, their rate and, when the
//! input's size is known, the share done and the time left; then a
//! one-line summary. Silent when its sink is not a terminal (main decides:
//! standard error, if it is one), so pipes and logs get nothing new.

use std::io::Write;
use std::time::{Duration, Instant};

/// Shortest time between two redraws.
pub const REDRAW: Duration = Duration::from_millis(100);

/// What one batch line did, for the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Blank or a comment.
    Empty,
    /// A route added (add, replace, append, prepend).
    RouteAdded,
    /// Any other command that succeeded.
    Done,
    /// A line that failed (with -force; otherwise the batch ends).
    Failed,
}

/// The progress of one batch.
pub struct Progress {
    sink: Option<Box<dyn Write>>,
    total_bytes: Option<u64>,
    start: Instant,
    last_draw: Option<Instant>,
    drawn: bool,
    lines: u64,
    bytes: u64,
    routes: u64,
    failed: u64,
}

impl Progress {
    /// Progress drawn on `sink` (None: silent) for an input of
    /// `total_bytes` bytes, if known, started at `now`.
    pub fn new(sink: Option<Box<dyn Write>>, total_bytes: Option<u64>, now: Instant) -> Self {
        Progress {
            sink,
            total_bytes: total_bytes.filter(|t| *t > 0),
            start: now,
            last_draw: None,
            drawn: false,
            lines: 0,
            bytes: 0,
            routes: 0,
            failed: 0,
        }
    }

    /// Shows nothing.
    pub fn silent() -> Self {
        Progress::new(None, None, Instant::now())
    }

    /// One line of `bytes` bytes done with `outcome`, at `now`.
    pub fn line(&mut self, bytes: u64, outcome: Outcome, now: Instant) {
        self.lines += 1;
        self.bytes += bytes;
        match outcome {
            Outcome::RouteAdded => self.routes += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Empty | Outcome::Done => {}
        }
        if self.sink.is_some() && self.last_draw.is_none_or(|t| now - t >= REDRAW) {
            self.last_draw = Some(now);
            let text = self.status(now);
            self.write(&format!("\r\x1b[K{text}"));
            self.drawn = true;
        }
    }

    /// Take the progress line away before something else is written to the
    /// terminal (it comes back at the next redraw).
    pub fn clear(&mut self) {
        if self.drawn {
            self.write("\r\x1b[K");
            self.drawn = false;
        }
    }

    /// Replace the progress line by the summary.
    pub fn finish(&mut self, now: Instant) {
        if self.sink.is_some() {
            self.clear();
            let text = self.summary(now);
            self.write(&format!("{text}\n"));
        }
    }

    /// `12000 lines  6000 lines/s  43%  3 s left`.
    pub fn status(&self, now: Instant) -> String {
        let secs = (now - self.start).as_secs_f64();
        let mut text = format!("{} lines", self.lines);
        if secs > 0.0 {
            text += &format!("  {:.0} lines/s", self.lines as f64 / secs);
        }
        if let Some(total) = self.total_bytes {
            let done = (self.bytes as f64 / total as f64).min(1.0);
            text += &format!("  {:.0}%", done * 100.0);
            if done > 0.0 && secs > 0.0 {
                let left = secs * (1.0 - done) / done;
                text += &format!("  {} left", duration(left));
            }
        }
        if self.failed > 0 {
            text += &format!("  {} failed", self.failed);
        }
        text
    }

    /// `ferctl: batch: 920000 lines, 919998 routes added, 2 failed, in 12.3 s (74797 lines/s)`.
    pub fn summary(&self, now: Instant) -> String {
        let secs = (now - self.start).as_secs_f64();
        let rate = if secs > 0.0 {
            format!(" ({:.0} lines/s)", self.lines as f64 / secs)
        } else {
            String::new()
        };
        format!(
            "ferctl: batch: {} lines, {} routes added, {} failed, in {secs:.1} s{rate}",
            self.lines, self.routes, self.failed
        )
    }

    fn write(&mut self, text: &str) {
        if let Some(sink) = &mut self.sink {
            // A terminal that went away only loses the progress.
            if sink
                .write_all(text.as_bytes())
                .and_then(|()| sink.flush())
                .is_err()
            {
                self.sink = None;
            }
        }
    }
}

/// `7 s`, `3 min 05 s`, `2 h 04 min`.
fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A sink the test can read back (also the batch test's, in exec.rs).
    #[derive(Clone, Default)]
    pub(crate) struct Screen(pub(crate) Arc<Mutex<Vec<u8>>>);

    impl Write for Screen {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Screen {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn status_has_lines_rate_share_and_time_left() {
        let t0 = Instant::now();
        let mut p = Progress::new(None, Some(1000), t0);
        for _ in 0..100 {
            p.line(2, Outcome::RouteAdded, t0);
        }
        // 100 lines, 200 of 1000 bytes in 2 s: 50 lines/s, 20%, 8 s left.
        assert_eq!(
            p.status(t0 + Duration::from_secs(2)),
            "100 lines  50 lines/s  20%  8 s left"
        );
        p.line(1, Outcome::Failed, t0);
        assert!(p
            .status(t0 + Duration::from_secs(2))
            .ends_with("  1 failed"));
    }

    #[test]
    fn without_a_size_there_is_no_share_or_time_left() {
        let t0 = Instant::now();
        let mut p = Progress::new(None, None, t0);
        p.line(10, Outcome::Done, t0);
        assert_eq!(p.status(t0 + Duration::from_secs(1)), "1 lines  1 lines/s");
    }

    #[test]
    fn summary_counts_routes_and_failures() {
        let t0 = Instant::now();
        let mut p = Progress::new(None, None, t0);
        for o in [
            Outcome::RouteAdded,
            Outcome::RouteAdded,
            Outcome::Empty,
            Outcome::Done,
            Outcome::Failed,
        ] {
            p.line(1, o, t0);
        }
        assert_eq!(
            p.summary(t0 + Duration::from_millis(2500)),
            "ferctl: batch: 5 lines, 2 routes added, 1 failed, in 2.5 s (2 lines/s)"
        );
    }

    #[test]
    fn redraws_at_most_every_redraw_interval_and_ends_with_the_summary() {
        let t0 = Instant::now();
        let screen = Screen::default();
        let mut p = Progress::new(Some(Box::new(screen.clone())), None, t0);
        for i in 0..1000 {
            // 1000 lines over 1 s: the first draws, then one every 100 ms.
            p.line(1, Outcome::RouteAdded, t0 + Duration::from_millis(i));
        }
        p.finish(t0 + Duration::from_secs(1));
        let text = screen.text();
        assert_eq!(text.matches("\r\x1b[K").count(), 10 + 1, "{text:?}");
        assert!(text.ends_with(
            "\r\x1b[Kferctl: batch: 1000 lines, 1000 routes added, 0 failed, in 1.0 s (1000 lines/s)\n"
        ));
    }

    #[test]
    fn silent_progress_writes_nothing() {
        let mut p = Progress::silent();
        p.line(1, Outcome::RouteAdded, Instant::now());
        p.clear();
        p.finish(Instant::now());
        assert!(p.sink.is_none());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(7.4), "7 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(7440.0), "2 h 04 min");
    }
}
