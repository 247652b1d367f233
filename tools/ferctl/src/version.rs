// SPDX-License-Identifier: GPL-2.0
//! `ferctl -V`: ferctl's version and, when the module is loaded, the
//! module's.
//!
//! The module's version is its `modinfo` version (`MODULE_VERSION`, kept in
//! rust/ferroute.rs), which the kernel shows in
//! `/sys/module/ferroute/version`; whether the module is loaded, and the
//! version of the netlink family it registered, come from the generic
//! netlink controller, as for every other command.

use std::path::Path;

use crate::error::NlError;
use crate::netlink::Kernel;
use crate::proto::{FAMILY_NAME, FAMILY_VERSION};

/// Where the kernel lists loaded modules.
pub const SYS_MODULE: &str = "/sys/module";

/// What ferctl found out about the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Module {
    /// The family is registered: the module is loaded.
    Loaded {
        /// Its `modinfo` version, if the kernel shows one.
        version: Option<String>,
        /// The version it registered its netlink family with.
        family_version: u32,
    },
    /// The family is not registered.
    NotLoaded,
    /// Asking failed (no generic netlink socket, ...): why.
    Unknown(String),
}

/// The version in `<sys_module>/ferroute/version`, if it is there and is
/// one short line of printable ASCII.
pub fn read_module_version(sys_module: &Path) -> Option<String> {
    let text = std::fs::read_to_string(sys_module.join(FAMILY_NAME).join("version")).ok()?;
    let version = text.trim_end_matches('\n');
    let printable = version.bytes().all(|b| b.is_ascii_graphic());
    (!version.is_empty() && version.len() <= 64 && printable).then(|| version.to_string())
}

/// Ask the running kernel.
pub fn probe() -> Module {
    match Kernel::connect() {
        Ok(kernel) => Module::Loaded {
            version: read_module_version(Path::new(SYS_MODULE)),
            family_version: kernel.family_version(),
        },
        Err(NlError::FamilyNotFound) => Module::NotLoaded,
        Err(e) => Module::Unknown(e.to_string()),
    }
}

/// ferctl's own version (Cargo's, the same as the module's release).
pub const FERCTL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The text of `ferctl -V`: two lines, ferctl's and the module's.
pub fn text(module: &Module) -> String {
    let family = |v: u32| format!("generic netlink family '{FAMILY_NAME}' version {v}");
    let mut out = format!(
        "ferctl {FERCTL_VERSION} ({})\n",
        family(u32::from(FAMILY_VERSION))
    );
    match module {
        Module::Loaded {
            version,
            family_version,
        } => {
            let version = version.as_deref().unwrap_or("(version unknown)");
            out += &format!("ferroute module {version} ({})", family(*family_version));
            if *family_version != u32::from(FAMILY_VERSION) {
                out += &format!(", ferctl speaks version {FAMILY_VERSION}");
            }
            out += "\n";
        }
        Module::NotLoaded => out += "ferroute module not loaded\n",
        Module::Unknown(why) => out += &format!("ferroute module: cannot tell ({why})\n"),
    }
    out
}

/// The same as JSON (`ferctl -j -V`).
pub fn json(module: &Module) -> serde_json::Value {
    let module = match module {
        Module::Loaded {
            version,
            family_version,
        } => serde_json::json!({
            "loaded": true,
            "version": version,
            "family_version": family_version,
        }),
        Module::NotLoaded => serde_json::json!({ "loaded": false }),
        Module::Unknown(why) => serde_json::json!({ "loaded": null, "error": why }),
    };
    serde_json::json!({
        "ferctl": { "version": FERCTL_VERSION, "family_version": FAMILY_VERSION },
        "module": module,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys_module_with(version: Option<&[u8]>) -> std::path::PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ferctl-version-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let module = dir.join("ferroute");
        std::fs::create_dir_all(&module).unwrap();
        if let Some(v) = version {
            std::fs::write(module.join("version"), v).unwrap();
        }
        dir
    }

    #[test]
    fn module_version_is_read_from_sysfs() {
        let dir = sys_module_with(Some(b"0.1.0\n"));
        assert_eq!(read_module_version(&dir).as_deref(), Some("0.1.0"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_or_odd_module_version_is_unknown() {
        for v in [
            None,
            Some(&b""[..]),
            Some(b"\n"),
            Some(b"a b\n"),
            Some(&[0xff]),
        ] {
            let dir = sys_module_with(v);
            assert_eq!(read_module_version(&dir), None, "{v:?}");
            std::fs::remove_dir_all(dir).unwrap();
        }
        assert_eq!(read_module_version(Path::new("/nonexistent")), None);
    }

    #[test]
    fn text_names_both_versions() {
        let loaded = Module::Loaded {
            version: Some("0.1.0".into()),
            family_version: 1,
        };
        assert_eq!(
            text(&loaded),
            format!(
                "ferctl {FERCTL_VERSION} (generic netlink family 'ferroute' version 1)\n\
                 ferroute module 0.1.0 (generic netlink family 'ferroute' version 1)\n"
            )
        );
        assert!(text(&Module::NotLoaded).ends_with("\nferroute module not loaded\n"));
        let other = Module::Loaded {
            version: None,
            family_version: 2,
        };
        assert!(text(&other).ends_with(
            "\nferroute module (version unknown) (generic netlink family 'ferroute' \
             version 2), ferctl speaks version 1\n"
        ));
        assert!(text(&Module::Unknown("no socket".into()))
            .ends_with("\nferroute module: cannot tell (no socket)\n"));
    }

    #[test]
    fn json_says_whether_the_module_is_loaded() {
        let v = json(&Module::NotLoaded);
        assert_eq!(v["module"]["loaded"], false);
        assert_eq!(v["ferctl"]["version"], FERCTL_VERSION);
        let v = json(&Module::Loaded {
            version: Some("0.1.0".into()),
            family_version: 1,
        });
        assert_eq!(v["module"]["version"], "0.1.0");
        assert_eq!(v["module"]["family_version"], 1);
    }
}
