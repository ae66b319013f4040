//! `#[connections]`: a Relay connection field takes one `PageArgs` argument in Rust and
//! the four of the specification (`first`, `after`, `last`, `before`) in the schema, with
//! the complexity that makes a large page cost what it fetches.
//!
//! Written above `#[Object]`, it runs first and rewrites each method of the impl that has
//! an argument of type `PageArgs`:
//!
//! ```ignore
//! #[connections]
//! #[Object]
//! impl School {
//!     async fn staff(&self, ctx: &Context<'_>, page: PageArgs) -> Result<Page<StaffRole>> {
//!         // `page` holds the four arguments as the client passed them.
//!     }
//! }
//! ```

use proc_macro::TokenStream;
use quote::quote;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl, PatType, Type, parse_macro_input, parse_quote};

pub fn expand(attribute: TokenStream, item: TokenStream) -> TokenStream {
    if !attribute.is_empty() {
        let attribute = proc_macro2::TokenStream::from(attribute);
        return syn::Error::new_spanned(attribute, "#[connections] takes no arguments")
            .to_compile_error()
            .into();
    }
    let mut block = parse_macro_input!(item as ItemImpl);
    for item in &mut block.items {
        if let ImplItem::Fn(method) = item {
            expand_page_argument(method);
        }
    }
    quote!(#block).into()
}

/// Replaces the method's `PageArgs` argument, if it has one, by the four connection
/// arguments, and rebuilds it from them as the body's first statement.
fn expand_page_argument(method: &mut ImplItemFn) {
    let Some(position) = method.sig.inputs.iter().position(is_page_args) else {
        return;
    };
    let inputs = std::mem::take(&mut method.sig.inputs);
    let mut page = None;
    for (index, input) in inputs.into_iter().enumerate() {
        match input {
            FnArg::Typed(argument) if index == position => {
                method.sig.inputs.push(parse_quote!(
                    #[graphql(desc = "Returns the first n items (at most 100; 20 when neither `first` nor `last` is given).")]
                    first: Option<i32>
                ));
                method.sig.inputs.push(parse_quote!(
                    #[graphql(desc = "Returns the items after this cursor (an `endCursor` or edge `cursor` of this list).")]
                    after: Option<String>
                ));
                method.sig.inputs.push(parse_quote!(
                    #[graphql(desc = "Returns the last n items (at most 100).")]
                    last: Option<i32>
                ));
                method.sig.inputs.push(parse_quote!(
                    #[graphql(desc = "Returns the items before this cursor (a `startCursor` or edge `cursor` of this list).")]
                    before: Option<String>
                ));
                page = Some(argument);
            }
            input => method.sig.inputs.push(input),
        }
    }
    let PatType { pat, ty, .. } = page.expect("the argument found above");
    method.block.stmts.insert(
        0,
        parse_quote!(let #pat = <#ty>::new(first, after, last, before);),
    );
    method.attrs.push(parse_quote!(
        #[graphql(complexity = "crate::graphql::pagination::cost(first, last, child_complexity)")]
    ));
    // The schema's four arguments plus the field's own filters: many, by the specification.
    method
        .attrs
        .push(parse_quote!(#[allow(clippy::too_many_arguments)]));
}

fn is_page_args(input: &FnArg) -> bool {
    let FnArg::Typed(argument) = input else {
        return false;
    };
    let Type::Path(path) = argument.ty.as_ref() else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "PageArgs")
}
