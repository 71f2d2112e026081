from orchestration.gateway.server import main

main()
