from fastaudit.cli import main

raise SystemExit(main())
