/** LuaJIT's table.new (OpenResty's LuaJIT, in every Kong and APISIX): a table with preallocated array and hash parts. */
declare module "table.new" {
  /** @noSelf */
  function tableNew(narray: number, nhash: number): LuaTable;
  export = tableNew;
}
