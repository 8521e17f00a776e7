from zhaoshang.cli import main

raise SystemExit(main())
