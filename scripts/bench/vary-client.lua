-- wrk: every request from its own client address (the app trusts TM_CLIENT_IP_HEADER in this
-- benchmark only), so the per-client API rate limit is exercised but never what is measured.
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["x-bench-client"] = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".1"
  return wrk.format(nil, nil, wrk.headers)
end
