-- For tests/bench/access-chain.ts only: no settings.
return { name = "access-chain-loop", fields = { { config = { type = "record", fields = {} } } } }
