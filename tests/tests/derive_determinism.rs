//! Derived tags are the same in every process: `tag_probe` run twice (two `HashMap` seeds)
//! prints the same tags, and those are the pinned ones.

#![allow(clippy::expect_used)]

use std::process::Command;

/// The probe's output.
fn probe() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_tag_probe"))
        .output()
        .expect("run tag_probe");
    assert!(output.status.success(), "tag_probe failed: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn two_processes_compute_the_same_tags() {
    let first = probe();
    let second = probe();
    assert_eq!(first, second);
    // Computed independently from the bytes of DESIGN §4 (Python hashlib + base64).
    let pinned = "\
inventory \"uYYKcCDqbYc-2RP7t16WKeNgPCI\"
patch \"GesbKOsDWh3dE7mjHUtfk9-Yr8Y\"
rename \"Ug17tvGAkY3mcgdGF1XhmY-rY1w\"
catalog W/\"9ssYlsB0DI264fWzLl4Ohgl5uQQ\"
";
    assert_eq!(first, pinned);
}
