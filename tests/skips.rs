//! Skipped tests are visible: a test that cannot find what it needs says SKIPPED and why in
//! the plain output of `cargo test`, and fails instead when `CI` is set.

mod common;

use std::process::Command;

/// Run only as a child of the test below (the variable is set there).
#[test]
fn child_that_needs_a_missing_corpus() {
    if std::env::var_os("TREATY_SKIP_CHILD").is_none() {
        return;
    }
    assert!(common::shared_corpus("child_that_needs_a_missing_corpus", "no-such-corpus").is_none());
}

#[test]
fn a_skip_is_named_in_plain_output_and_is_a_failure_in_ci() {
    let run = |ci: Option<&str>| {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--exact", "child_that_needs_a_missing_corpus"])
            .env("TREATY_SKIP_CHILD", "1")
            .env_remove("CI");
        if let Some(v) = ci {
            cmd.env("CI", v);
        }
        cmd.output().unwrap()
    };
    let plain = run(None);
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(plain.status.success(), "{stderr}");
    assert!(
        stderr.contains("SKIPPED child_that_needs_a_missing_corpus: corpus not found at")
            && stderr.contains("no-such-corpus"),
        "the skip and its reason are in the normal output: {stderr}"
    );
    let ci = run(Some("true"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&ci.stdout),
        String::from_utf8_lossy(&ci.stderr)
    );
    assert!(!ci.status.success(), "a skip fails in CI: {all}");
    assert!(
        all.contains("nothing may be skipped") && all.contains("no-such-corpus"),
        "{all}"
    );
}
