from fastaudit.cli import run

run()
