from dossier.entry import main

main()
