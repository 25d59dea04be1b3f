from fastaudit.entry import run

run()
