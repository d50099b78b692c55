#!/usr/bin/env python3
"""bench/sass_hot_path.py on a hand-written listing: the walker skips slow-path calls and the
sampling block, follows unconditional branches, and counts one iteration of the step loop."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
import sass_hot_path  # noqa: E402

LISTING = """
        Function : _ZN7orbitmc4cuda14advance_kernelINS_9AmbientEMINS_15BlockSigmaModelIfLi1ELi3EEEEEEEvT_
        /*0000*/                   MOV R1, c[0x0][0x28] ;
        /*0010*/                   IADD3 R2, R2, 0x1, RZ ;
        /*0020*/              @!P0 BRA 0x60 ;
        /*0030*/                   MOV R3, 0x50 ;
        /*0040*/                   CALL.REL.NOINC 0x100 ;
        /*0050*/                   BRA 0x70 ;
        /*0060*/                   FMUL R4, R4, R4 ;
        /*0070*/               @P1 BRA 0xa0 ;
        /*0080*/                   ATOMS.ADD RZ, [R5], R6 ;
        /*0090*/                   IADD3 R7, R7, 0x1, RZ ;
        /*00a0*/                   BRA 0xc0 ;
        /*00b0*/                   NOP ;
        /*00c0*/               @P2 BRA 0x10 ;
        /*00d0*/                   EXIT ;
        Function : some_other_kernel
        /*0000*/                   EXIT ;
"""


class HotPath(unittest.TestCase):
    def test_walks_the_common_path_of_the_step_loop(self):
        kernels = sass_hot_path.parse(LISTING)
        self.assertEqual(len(kernels), 1)  # only advance_kernel instances
        (name, ins), = kernels.items()
        self.assertEqual(sass_hot_path.kernel_label(name), "AmbientEM BlockSigmaModel f 1 3")
        loop, hot = sass_hot_path.hot_path(ins)
        self.assertEqual(loop, 12)  # 0x10 .. 0xc0
        # 0x10, 0x20 (slow path skipped), 0x60, 0x70 (sample skipped), 0xa0 (jump), 0xc0
        self.assertEqual(hot, 6)

    def test_a_jump_out_of_the_loop_is_an_error_not_a_count(self):
        ins = [(0x10, "IADD3 R2, R2, 0x1, RZ"), (0x20, "BRA 0x40"), (0x30, "@P2 BRA 0x10"),
               (0x40, "EXIT")]
        with self.assertRaises(ValueError):
            sass_hot_path.hot_path(ins)

    def test_a_conditional_exit_from_the_loop_is_not_taken(self):
        ins = [(0x10, "IADD3 R2, R2, 0x1, RZ"), (0x20, "@P0 BRA 0x50"), (0x30, "FMUL R4, R4, R4"),
               (0x40, "@P2 BRA 0x10"), (0x50, "CALL.REL.NOINC 0x100"), (0x60, "EXIT")]
        self.assertEqual(sass_hot_path.hot_path(ins), (4, 4))

    def test_a_kernel_without_a_loop_counts_nothing(self):
        self.assertEqual(sass_hot_path.hot_path([(0, "EXIT")]), (0, 0))


if __name__ == "__main__":
    unittest.main()
