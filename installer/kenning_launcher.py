"""Entry point of the frozen app: the same `main` as the `kenning` command."""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()  # torch and joblib may start worker processes
    from kenning.cli.main import main

    raise SystemExit(main())
