-- Drives Neovim's built-in LSP client with docs/editors/hpclint.lua (the README's configuration):
-- open each recipe, wait for hpclint's diagnostics, hover, request code actions, apply the fix, wait
-- for the finding to go. Writes a JSON report to $HPCLINT_NVIM_REPORT and quits.
local report = { files = {}, log_errors = {}, messages = {} }
local TIMEOUT = 20000

vim.lsp.handlers['window/logMessage'] = function(_, params)
  if params.type == 1 then
    table.insert(report.log_errors, params.message)
  end
end
vim.lsp.handlers['window/showMessage'] = function(_, params)
  table.insert(report.messages, params.message)
end

dofile(os.getenv('HPCLINT_NVIM_CONFIG'))

local function hpclint_diagnostics(bufnr, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'hpclint' and (code == nil or d.code == code) then
      table.insert(found, d)
    end
  end
  return found
end

local function text_of(contents)
  if type(contents) == 'string' then
    return contents
  elseif contents.value then
    return contents.value
  end
  local parts = {}
  for _, part in ipairs(contents) do
    table.insert(parts, type(part) == 'string' and part or part.value)
  end
  return table.concat(parts, '\n')
end

local function exercise(path, code, fix_title_pattern)
  local entry = { path = path, code = code }
  table.insert(report.files, entry)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  entry.filetype = vim.bo[bufnr].filetype
  entry.got_diagnostics = vim.wait(TIMEOUT, function()
    return #hpclint_diagnostics(bufnr, code) > 0
  end, 50)
  local finding = hpclint_diagnostics(bufnr, code)[1]
  if not finding then
    return
  end
  entry.finding = { line = finding.lnum, col = finding.col, end_line = finding.end_lnum, end_col = finding.end_col, severity = finding.severity, message = finding.message }
  local client = vim.lsp.get_active_clients({ name = 'hpclint' })[1] or vim.lsp.get_active_clients()[1]
  entry.client_name = client.name

  vim.api.nvim_win_set_cursor(0, { finding.lnum + 1, finding.col })
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(0, client.offset_encoding), TIMEOUT)
  for _, response in pairs(hover or {}) do
    if response.result and response.result.contents then
      entry.hover = text_of(response.result.contents)
    end
  end

  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, finding.lnum) }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, TIMEOUT)
  entry.actions = {}
  local chosen
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(entry.actions, action.title)
      if chosen == nil and action.edit and action.title:match(fix_title_pattern) then
        chosen = action
      end
    end
  end
  if chosen == nil then
    return
  end
  entry.applied = chosen.title
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  entry.fixed_away = vim.wait(TIMEOUT, function()
    return #hpclint_diagnostics(bufnr, code) == 0
  end, 50)
  entry.line_after_fix = vim.api.nvim_buf_get_lines(bufnr, finding.lnum, finding.lnum + 1, false)[1]
  vim.cmd('write')
end

local ok, err = pcall(function()
  exercise(os.getenv('HPCLINT_NVIM_DOCKERFILE'), 'HPC-PORT-001', 'march')
  exercise(os.getenv('HPCLINT_NVIM_DEFFILE'), 'HPC-DEF-005', '%%environment')
end)
if not ok then
  report.error = tostring(err)
end
for _, client in ipairs(vim.lsp.get_active_clients()) do
  client.stop()
end
vim.wait(5000, function()
  return #vim.lsp.get_active_clients() == 0
end, 50)
local file = io.open(os.getenv('HPCLINT_NVIM_REPORT'), 'w')
file:write(vim.fn.json_encode(report))
file:close()
vim.cmd('qall!')
