from backrub.cli import main

raise SystemExit(main())
