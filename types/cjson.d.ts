/** lua-cjson (`cjson.safe` returns nil, err instead of raising), as Kong and APISIX ship it. */
declare module "cjson.safe" {
  /** @noSelf */
  interface CJson {
    encode(value: unknown): LuaMultiReturn<[string | undefined, string | undefined]>;
    decode(text: string): LuaMultiReturn<[unknown, string | undefined]>;
    readonly null: LuaUserdata;
    readonly empty_array: LuaTable;
  }
  const cjson: CJson;
  export = cjson;
}
