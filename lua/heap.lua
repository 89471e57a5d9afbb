-- callback_bridge Lua twin: a binary min-heap of numbers (deadline slots). Twin of src/core/min-heap.ts.

---@class MinHeap
---@field size integer
local Heap = {}
Heap.__index = Heap

---@return MinHeap
function Heap.new()
  return setmetatable({ size = 0 }, Heap)
end

---@return number|nil
function Heap:peek()
  return self[1]
end

---@param x number
function Heap:push(x)
  local n = self.size + 1
  self.size = n
  local i = n
  while i > 1 do
    local p = i // 2
    if self[p] <= x then break end
    self[i] = self[p]
    i = p
  end
  self[i] = x
end

---@return number|nil
function Heap:pop()
  local n = self.size
  if n == 0 then return nil end
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
      if l < n and self[l + 1] < self[l] then m = l + 1 end
      if self[m] >= last then break end
      self[i] = self[m]
      i = m
    end
    self[i] = last
  end
  return top
end

return Heap
