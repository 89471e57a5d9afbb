-- callback_bridge Lua twin: a binary min-heap, of numbers by default (deadline slots) or of anything ordered by a
-- `less(a, b)` given to `new` (the call queue's entries). Twin of src/core/min-heap.ts.

---@class MinHeap
---@field size integer
---@field less fun(a: any, b: any): boolean
local Heap = {}
Heap.__index = Heap

local function numberLess(a, b) return a < b end

---@param less? fun(a: any, b: any): boolean whether `a` comes out before `b` (default: numbers, smallest first)
---@return MinHeap
function Heap.new(less)
  return setmetatable({ size = 0, less = less or numberLess }, Heap)
end

---@return any
function Heap:peek()
  return self[1]
end

---@param x any
function Heap:push(x)
  local less = self.less
  local n = self.size + 1
  self.size = n
  local i = n
  while i > 1 do
    local p = i // 2
    if not less(x, self[p]) then break end
    self[i] = self[p]
    i = p
  end
  self[i] = x
end

---Empties the heap.
function Heap:clear()
  for i = self.size, 1, -1 do self[i] = nil end
  self.size = 0
end

---@return any
function Heap:pop()
  local n = self.size
  if n == 0 then return nil end
  local less = self.less
  local top, last = self[1], self[n]
  self[n] = nil
  n = n - 1
  self.size = n
  if n > 0 then
    local i = 1
    while true do
      local l = 2 * i
      if l > n then break end
      local m = l
      if l < n and less(self[l + 1], self[l]) then m = l + 1 end
      if not less(self[m], last) then break end
      self[i] = self[m]
      i = m
    end
    self[i] = last
  end
  return top
end

return Heap
