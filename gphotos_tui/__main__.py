from gphotos_tui.cli import main

raise SystemExit(main())
