from fullcost.cli import main

main()
