-- hpclint for Neovim 0.7 or later, built-in LSP client, no plugins.
-- Put this file in ~/.config/nvim/plugin/ (or paste it into init.lua); `hpclint` must be on PATH.
local function is_definition_file(path)
  local first = vim.fn.readfile(path, '', 1)[1] or ''
  return not path:match('%.def$') or first:lower():match('^%s*bootstrap%s*:') ~= nil
end

vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  pattern = { 'Singularity', 'Singularity.*', 'Apptainer', 'Apptainer.*', '*.def' },
  callback = function(args)
    if is_definition_file(args.file) then
      vim.bo[args.buf].filetype = 'apptainer'
    end
  end,
})

local clients = {}
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'dockerfile', 'apptainer' },
  callback = function(args)
    local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h')
    local git = vim.fn.finddir('.git', dir .. ';')
    local root = git ~= '' and vim.fn.fnamemodify(git, ':p:h:h') or dir
    local id = clients[root]
    if id == nil or vim.lsp.get_client_by_id(id) == nil then
      id = vim.lsp.start_client({
        name = 'hpclint',
        cmd = { 'hpclint', 'lsp', '--stdio' },
        root_dir = root,
        settings = { hpclint = { rules = {}, categories = {} } },
      })
      clients[root] = id
    end
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
