from kenning.cli.main import main

raise SystemExit(main())
