# The folders here are projects for fastaudit to audit, not part of our test-suite:
# their own tests import packages we do not install (and must never run).
collect_ignore_glob = ["*"]
