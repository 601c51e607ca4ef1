-- Neovim's built-in LSP client on the file given on the command line, set
-- up as docs/editors.md shows (the `policy` filetype, `policy lsp` started
-- for it), then: wait for the server's diagnostics, write them as JSON to
-- $POLICY_LSP_OUT, quit. Used by tests/lsp.rs (`neovim_shows_the_diagnostic`).
--
--   POLICY_BIN=target/debug/policy POLICY_LSP_OUT=/tmp/d.json \
--     nvim --headless -n -i NONE -u tests/support/nvim_lsp.lua FILE.policy

local bin = os.getenv('POLICY_BIN') or 'policy'
local out = assert(os.getenv('POLICY_LSP_OUT'), 'set POLICY_LSP_OUT')

-- Neovim 0.7 reads `vim.filetype.add` only with Lua filetype detection on
-- (the default from 0.8).
vim.g.do_filetype_lua = 1
vim.filetype.add({ extension = { policy = 'policy' } })

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'policy',
  callback = function(args)
    local config = {
      name = 'policy',
      cmd = { bin, 'lsp' },
      root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h'),
    }
    if vim.lsp.start then
      vim.lsp.start(config) -- Neovim 0.8 and later
    else
      -- Neovim 0.7 (Debian 12): start the client, attach it to the buffer.
      local id = vim.lsp.start_client(config)
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})

local function finish(report)
  local file = assert(io.open(out, 'w'))
  file:write(vim.fn.json_encode(report))
  file:close()
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    local ok = vim.wait(30000, function()
      return #vim.diagnostic.get(buf) > 0
    end, 50)
    local items = {}
    local clients = vim.tbl_count(vim.lsp.get_active_clients())
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local lsp = d.user_data and d.user_data.lsp or {}
      table.insert(items, {
        lnum = d.lnum,
        col = d.col,
        severity = d.severity,
        message = d.message,
        code = d.code or lsp.code,
        source = d.source or lsp.source,
      })
    end
    local v = vim.version()
    finish({
      ok = ok,
      filetype = vim.bo[buf].filetype,
      clients = clients,
      version = string.format('%d.%d.%d', v.major, v.minor, v.patch),
      diagnostics = items,
    })
  end,
})
