-- Each connection waits 1 ms after every response: a fixed, light offered load.
function delay()
  return 1
end
