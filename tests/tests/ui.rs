//! Compile-fail tests of `#[derive(ETag)]`: one file per error family under `tests/ui/`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
