# SPDX-License-Identifier: Apache-2.0
# lit test format for test/e2e/ptrace (see lit.local.cfg there): the tests
# are the run-*.test files of the parent directory. A module of its own, not
# a class in lit.local.cfg, because lit pickles the format to its workers.
import os

import lit.formats
import lit.Test


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
