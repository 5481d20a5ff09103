import sys

from relgraph.cli import main

sys.exit(main())
