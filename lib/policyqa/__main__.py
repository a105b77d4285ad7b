import sys

from policyqa.cli import main

sys.exit(main())
