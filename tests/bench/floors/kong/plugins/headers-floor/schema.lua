-- Schema of the access-chain benchmark's headers-floor plugin (see handler.lua).
return {
  name = "headers-floor",
  fields = {
    { config = {
        type = "record",
        fields = {
          { header = { type = "string", required = true } },
          { value = { type = "string", required = true } },
          { second_header = { type = "string" } },
          { second_value = { type = "string" } },
          { shared_key = { type = "string", required = true } },
        },
    } },
  },
}
