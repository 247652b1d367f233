// SPDX-License-Identifier: GPL-2.0
//! `ferctl stats -d`: what each counter gained since the last `stats -d`,
//! as nstat prints Linux's. The values of the last call are kept in a
//! history file per user and network namespace (each namespace has its own
//! router): `$FERCTL_STATS_HISTORY`, or
//! `/tmp/.ferctl-stats.u<UID>.n<NETNS INODE>` (nstat's is
//! `/tmp/.nstat.u<UID>`).

use std::collections::HashMap;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use crate::model::Stat;

/// This process's user id (the owner of /proc/self).
fn uid() -> u32 {
    std::fs::metadata("/proc/self").map_or(0, |m| m.uid())
}

/// The history file of this user in this network namespace.
pub fn path() -> PathBuf {
    if let Some(p) = std::env::var_os("FERCTL_STATS_HISTORY") {
        return PathBuf::from(p);
    }
    let uid = uid();
    let netns = std::fs::metadata("/proc/self/ns/net").map_or(0, |m| m.ino());
    PathBuf::from(format!("/tmp/.ferctl-stats.u{uid}.n{netns}"))
}

/// The values the last call saved (`name value` lines); none if there is
/// no history or it cannot be read (the first call then prints every
/// counter's whole value, as nstat does). A file that is not a regular
/// file of this user (in /tmp, anyone could have put it there) is not
/// read; lines that do not parse are skipped.
pub fn load(path: &Path) -> HashMap<String, u64> {
    let ours = std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_file() && m.uid() == uid())
        .unwrap_or(false);
    let text = match ours {
        true => std::fs::read_to_string(path).unwrap_or_default(),
        false => String::new(),
    };
    text.lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(' ')?;
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// What each counter of `now` gained since `before`, in `now`'s order;
/// only those that moved unless `zeros`. A counter that went backwards
/// (the module was loaded again) counts from zero, as nstat does.
pub fn deltas(now: &[Stat], before: &HashMap<String, u64>, zeros: bool) -> Vec<Stat> {
    now.iter()
        .map(|s| {
            let old = before.get(&s.name).copied().unwrap_or(0);
            let value = s.value.checked_sub(old).unwrap_or(s.value);
            Stat {
                name: s.name.clone(),
                value,
            }
        })
        .filter(|s| zeros || s.value != 0)
        .collect()
}

/// Saves `now` as the history: written to a new file of this process
/// beside it (O_EXCL, mode 0600: never through a link someone left in
/// /tmp) and renamed over it, so that a reader never sees half a file.
pub fn save(path: &Path, now: &[Stat]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)?;
    let written = now
        .iter()
        .try_for_each(|s| writeln!(f, "{} {}", s.name, s.value))
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(name: &str, value: u64) -> Stat {
        Stat {
            name: name.to_string(),
            value,
        }
    }

    #[test]
    fn deltas_since_the_last_call() {
        let dir = std::env::temp_dir().join(format!("ferctl-history-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("h");
        // No history: every counter's whole value.
        let first = [stat("IpInReceives", 10), stat("IcmpInEchos", 0)];
        assert_eq!(
            deltas(&first, &load(&path), false),
            vec![stat("IpInReceives", 10)]
        );
        save(&path, &first).unwrap();
        let now = [
            stat("IpInReceives", 13),
            stat("IcmpInEchos", 2),
            stat("IpExtInNoRoutes", 0),
        ];
        assert_eq!(
            deltas(&now, &load(&path), false),
            vec![stat("IpInReceives", 3), stat("IcmpInEchos", 2)]
        );
        assert_eq!(deltas(&now, &load(&path), true).len(), 3);
        // A counter that went backwards starts again from zero.
        let reloaded = [stat("IpInReceives", 4)];
        assert_eq!(
            deltas(&reloaded, &load(&path), false),
            vec![stat("IpInReceives", 4)]
        );
        // A damaged history is skipped line by line.
        std::fs::write(&path, "IpInReceives x\nIcmpInEchos 1\njunk\n").unwrap();
        assert_eq!(load(&path).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
