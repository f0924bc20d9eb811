-- Argo CD health check for securedcontent.io/v1alpha1 SecuredContentBucket.
--
-- The operator reports kstatus conditions: exactly one of Ready, Reconciling and Stalled is True, and every
-- condition carries the metadata.generation it was written for. Status that describes an older spec says
-- nothing about the current one, so it reads as Progressing until the operator catches up.
--
--   Stalled=True      -> Degraded     (a human must act: InvalidSpec, OwnershipConflict, AccessDenied ...)
--   Reconciling=True  -> Progressing  (e.g. CloudFront is deploying)
--   Ready=True        -> Healthy
--   anything else     -> Progressing  (no status yet, an older generation, Ready False or Unknown)
--
-- Argo CD itself reports objects being deleted as Progressing and absent ones as Missing; the API has no
-- suspend switch, so this script never returns Suspended.

local function as_number(value)
  if type(value) == "number" then
    return value
  end
  return tonumber(value)
end

local function progressing(message)
  return { status = "Progressing", message = message }
end

local function describe(condition)
  local reason = condition.reason or ""
  local message = condition.message or ""
  if reason == "" then
    return message
  end
  if message == "" then
    return reason
  end
  return reason .. ": " .. message
end

-- A condition describes the current spec unless it names an older generation.
local function is_current(condition, generation)
  local observed = as_number(condition.observedGeneration)
  return observed == nil or generation == nil or observed >= generation
end

local function health(resource)
  local generation = as_number(resource.metadata and resource.metadata.generation)
  local status = resource.status
  if status == nil then
    return progressing("Waiting for the operator to report status")
  end

  local observed = as_number(status.observedGeneration)
  -- A negative value is a placeholder for "not observed yet" (a schema default some CRDs set for kstatus).
  if observed ~= nil and observed < 0 then
    return progressing("Waiting for the operator to report status")
  end
  if observed ~= nil and generation ~= nil and observed < generation then
    return progressing("Waiting for the operator to observe generation " .. generation ..
      " (status describes generation " .. observed .. ")")
  end

  local current = {}
  local stale = false
  for _, condition in ipairs(status.conditions or {}) do
    if type(condition) == "table" and type(condition.type) == "string" then
      if is_current(condition, generation) then
        current[condition.type] = condition
      elseif condition.type == "Ready" or condition.type == "Reconciling" or condition.type == "Stalled" then
        stale = true
      end
    end
  end

  local stalled, reconciling, ready = current["Stalled"], current["Reconciling"], current["Ready"]
  if stalled ~= nil and stalled.status == "True" then
    return { status = "Degraded", message = describe(stalled) }
  end
  if reconciling ~= nil and reconciling.status == "True" then
    return progressing(describe(reconciling))
  end
  if ready ~= nil and ready.status == "True" then
    return { status = "Healthy", message = ready.message or "" }
  end
  if ready ~= nil then
    return progressing("Not ready yet: " .. describe(ready))
  end
  if stale and generation ~= nil then
    return progressing("Waiting for the operator to observe generation " .. generation)
  end
  return progressing("Waiting for the operator to report conditions")
end

return health(obj)
