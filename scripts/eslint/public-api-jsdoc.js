// ESLint rule `leakproof/public-api-jsdoc`: every name a package's entry point exports has a JSDoc
// comment where it is declared. Entry points here are lists of re-exports, so the rule asks the
// type checker for the symbol each specifier finally resolves to and reads that symbol's
// documentation; a comment on the re-export line itself would not reach a user's editor.
import ts from 'typescript';

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Require a JSDoc comment on every declaration a public entry point exports' },
    messages: {
      undocumented: "'{{name}}' is exported by the package's entry point but its declaration has no JSDoc comment.",
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program || !services.esTreeNodeToTSNodeMap) {
      throw new Error('leakproof/public-api-jsdoc needs type information (parserOptions.projectService)');
    }
    const checker = services.program.getTypeChecker();

    /** The symbol a name finally stands for, through every import and re-export. */
    function resolve(symbol) {
      let current = symbol;
      while (current && current.flags & ts.SymbolFlags.Alias) current = checker.getAliasedSymbol(current);
      return current;
    }

    // A declaration documented only by tags (`/** @internal */`) is not documented for a reader.
    const documented = (symbol) => symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== '');

    function check(esNode, tsNameNode, name) {
      const symbol = resolve(checker.getSymbolAtLocation(tsNameNode));
      if (!symbol || !documented(symbol)) context.report({ node: esNode, messageId: 'undocumented', data: { name } });
    }

    return {
      ExportAllDeclaration(node) {
        // `export * from './normalize/index.js'`: every name that module exports is public too.
        const tsNode = services.esTreeNodeToTSNodeMap.get(node);
        const moduleSymbol = tsNode.moduleSpecifier && checker.getSymbolAtLocation(tsNode.moduleSpecifier);
        if (!moduleSymbol) return;
        for (const exported of checker.getExportsOfModule(moduleSymbol)) {
          const symbol = resolve(exported);
          if (!symbol || !documented(symbol)) context.report({ node, messageId: 'undocumented', data: { name: exported.getName() } });
        }
      },
      ExportSpecifier(node) {
        const tsNode = services.esTreeNodeToTSNodeMap.get(node);
        check(node, tsNode.name, tsNode.name.text);
      },
      ExportNamedDeclaration(node) {
        if (!node.declaration) return;
        const tsNode = services.esTreeNodeToTSNodeMap.get(node.declaration);
        const declarations = ts.isVariableStatement(tsNode) ? tsNode.declarationList.declarations : [tsNode];
        for (const declaration of declarations) {
          if (declaration.name) check(node, declaration.name, declaration.name.getText());
        }
      },
      ExportDefaultDeclaration(node) {
        context.report({ node, messageId: 'undocumented', data: { name: 'default' } });
      },
    };
  },
};

export default rule;
