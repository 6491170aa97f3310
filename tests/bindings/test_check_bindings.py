"""Tests of scripts/check-bindings.py (make bindings-check): python3 -m unittest tests/bindings/test_check_bindings.py"""

import importlib.util
import shutil
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_bindings", ROOT / "scripts" / "check-bindings.py")
assert _spec and _spec.loader
cb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cb)

HEADER = """/* mpgs_in_a_comment(void) */
#ifndef MPGS_H
#define MPGS_H
const char *mpgs_version(void);
mpgs_status mpgs_client_new(const struct mpgs_config *config,
                            struct mpgs_client **client_out,
                            struct mpgs_error **err);
void mpgs_client_free(struct mpgs_client *client);
#endif
"""


class CheckBindings(unittest.TestCase):
    def setUp(self) -> None:
        self.root = Path(tempfile.mkdtemp())
        (self.root / "include").mkdir()
        (self.root / "include" / "mpgs.h").write_text(HEADER)

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def write(self, rel: str, text: str) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)

    def test_the_real_header_declares_every_function_once(self) -> None:
        names = cb.header_functions(ROOT / "include" / "mpgs.h")
        self.assertGreater(len(names), 90)
        self.assertEqual(len(names), len(set(names)))
        self.assertIn("mpgs_session_ready_for_token", names)
        self.assertNotIn("mpgs_in_a_comment", cb.header_functions(self.root / "include" / "mpgs.h"))

    def test_missing_folders_are_skipped_and_pass(self) -> None:
        ok, lines = cb.check(self.root)
        self.assertTrue(ok, lines)
        self.assertIn("ruby: skipped (no bindings/ruby/ yet)", lines)

    def test_a_missing_function_fails_naming_binding_and_function(self) -> None:
        self.write("bindings/ruby/lib/mpgs.rb", "attach_function :mpgs_version\nattach_function :mpgs_client_new\n")
        ok, lines = cb.check(self.root)
        self.assertFalse(ok)
        text = "\n".join(lines)
        self.assertIn("bindings/ruby: FAILED", text)
        self.assertIn("mpgs_client_free", text)
        self.assertNotIn("mpgs_client_new,", text)

    def test_whole_identifiers_only_and_tests_do_not_count(self) -> None:
        # mpgs_client_free_all is not mpgs_client_free; a test using it does not make the package wrap it.
        self.write("bindings/php/src/Native.php", "mpgs_version mpgs_client_new mpgs_client_free_all\n")
        self.write("bindings/php/tests/ClientTest.php", "mpgs_client_free\n")
        self.write("bindings/php/lib/x86_64-unknown-linux-gnu/generated.php", "mpgs_client_free\n")
        self.write("bindings/php/src/Declarations.php", "<?php\n// Generated from include/mpgs.h: do not edit.\n// mpgs_client_free\n")
        ok, lines = cb.check(self.root)
        self.assertFalse(ok)
        self.assertIn("mpgs_client_free", "\n".join(lines))

    def test_an_exclusion_needs_a_reason_and_a_declared_name(self) -> None:
        self.write("bindings/go/mpgs.go", "C.mpgs_version() C.mpgs_client_new()\n")
        self.write("bindings/go/surface-exclude.txt", "mpgs_client_free   # Go frees through a finalizer elsewhere\n")
        ok, lines = cb.check(self.root)
        self.assertTrue(ok, lines)
        self.write("bindings/go/surface-exclude.txt", "mpgs_client_free\nmpgs_gone  # removed from the header\n")
        ok, lines = cb.check(self.root)
        self.assertFalse(ok)
        text = "\n".join(lines)
        self.assertIn("mpgs_client_free has no reason", text)
        self.assertIn("mpgs_gone is not declared", text)


if __name__ == "__main__":
    unittest.main()
