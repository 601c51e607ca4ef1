" Vim/Neovim syntax for debt-collection policy files (docs/language.md).
" The same words as the VS Code grammar (editors/vscode/syntaxes). Keywords
" are case-insensitive; names keep their case. Add this folder's parent to
" 'runtimepath' (docs/editors.md).

if exists('b:current_syntax')
  finish
endif

syntax case ignore
syntax iskeyword @,48-57,_,192-255

syntax keyword policyHeader policy jurisdiction currency applies templates limit contact contacts per minimum destination because
syntax keyword policyAction send call charge route stop
syntax keyword policyKeyword after from if by to with on is allow
syntax keyword policyOperatorWord and or not
syntax keyword policyStatutory statutory
syntax match policyUnit /\<\(business\s\+days\?\|days\?\|weeks\?\|months\?\)\>/
syntax keyword policyChannel email courrier recommandé recommande sms huissier
syntax keyword policyRecipient debtor guarantor
syntax keyword policyField amount total days_late
syntax keyword policyFlag b2b b2c guaranteed partially_paid
syntax keyword policyCharge indemnity fee interest

syntax case match
syntax keyword policyJurisdiction FR BE LU
syntax match policyNumber /\<\d\+\(\.\d\+\)\?%\?/
syntax match policyCurrency /\(\<\d\+\(\.\d\+\)\?\s\+\|\c\<currency\s\+\)\@<=\C[A-Z]\{3}\>/
syntax match policyComparison /<=\|>=\|!=\|=\|<\|>/

" The name after a keyword: the template, the anchor, the court, the
" procedure, the silenced rule.
" (A look-behind, so that the match starts on the name: a keyword starting
" at the same place would win.)
syntax match policyTemplate /\c\(\<send\s\+\)\@<=\(on\>\)\@![[:alnum:]_À-ÿ]\+/
syntax match policyAnchor /\c\(\<from\s\+\)\@<=[[:alnum:]_À-ÿ]\+/
syntax match policyDestination /\c\(\<route\s\+\)\@<=[[:alnum:]_À-ÿ]\+/
syntax match policyProcedure /\c\(\<with\s\+\)\@<=[[:alnum:]_À-ÿ]\+/
syntax match policyDeclared /\c\(^\s*destination\s\+\)\@<=[[:alnum:]_À-ÿ]\+/
syntax match policyRule /\c\(\<allow\s\+\)\@<=[[:alnum:]_:]\+/

syntax region policyString start=/"/ skip=/\\./ end=/"\|$/
syntax match policyComment /#.*$/ contains=@Spell

highlight default link policyHeader Type
highlight default link policyAction Statement
highlight default link policyKeyword Keyword
highlight default link policyOperatorWord Operator
highlight default link policyComparison Operator
highlight default link policyStatutory Constant
highlight default link policyUnit Special
highlight default link policyChannel Constant
highlight default link policyRecipient Constant
highlight default link policyField Identifier
highlight default link policyFlag Identifier
highlight default link policyCharge Type
highlight default link policyJurisdiction Constant
highlight default link policyNumber Number
highlight default link policyCurrency Constant
highlight default link policyTemplate Function
highlight default link policyAnchor Function
highlight default link policyDestination Structure
highlight default link policyProcedure Structure
highlight default link policyDeclared Structure
highlight default link policyRule Tag
highlight default link policyString String
highlight default link policyComment Comment

let b:current_syntax = 'policy'
