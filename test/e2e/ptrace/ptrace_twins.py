# SPDX-License-Identifier: Apache-2.0
# lit test format for test/e2e/ptrace (see lit.local.cfg there): the tests
# are the run-*.test files of the parent directory. A module of its own, not
# a class in lit.local.cfg, because lit pickles the format to its workers.
import os

import lit.formats
import lit.Test
import lit.TestRunner


class TwinTest(lit.Test.Test):
    """A test whose file is elsewhere: lit up to 14 reads getSourcePath()."""

    def getSourcePath(self):
        return self.file_path


class PtraceTwins(lit.formats.ShTest):
    def getTestsInDirectory(self, testSuite, path_in_suite, litConfig, localConfig):
        parent = os.path.dirname(testSuite.getSourcePath(path_in_suite))
        for name in sorted(os.listdir(parent)):
            if name.startswith("run-") and name.endswith(".test"):
                yield TwinTest(testSuite, path_in_suite + (name,), localConfig,
                               file_path=os.path.join(parent, name))

    def execute(self, test, litConfig):
        # bpfcov-ptrace.sh logs every `run` it gave --trace=ptrace to (its
        # first argument, %t.ptrace-runs): a twin that passed without one
        # tested preload mode twice, and fails.
        _, tmp_base = lit.TestRunner.getTempPaths(test)
        log = tmp_base + ".tmp.ptrace-runs"
        if os.path.exists(log):
            os.remove(log)
        result = super().execute(test, litConfig)
        code = result[0] if isinstance(result, tuple) else result.code
        if code != lit.Test.PASS:
            return result
        runs = 0
        if os.path.exists(log):
            with open(log) as f:
                runs = sum(1 for line in f if line.startswith("run --trace=ptrace"))
        if runs == 0:
            return lit.Test.Result(
                lit.Test.FAIL,
                "no 'bpfcov run' of this test went through bpfcov-ptrace.sh "
                "with --trace=ptrace (log: %s)" % log)
        return result

