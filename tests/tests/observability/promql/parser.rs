//! PromQL tokens to the expression tree, with PromQL's operator precedence, so that each
//! aggregation, function and binary operation gets the operands the label check must see.

use super::keywords::{AGGREGATORS, FUNCTIONS, SET_OPERATORS};
use super::lexer::{Token, tokens};
use super::{Node, Selector, is_metric_name};

/// Parses a whole expression; text left over after it is an error.
pub(super) fn parse(text: &str) -> Result<Node, String> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
    };
    let root = parser.expr()?;
    if parser.at != parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
    }
    Ok(root)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.at + offset)
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Token::Punct(q)) if *q == p)
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w == word)
    }

    fn expect(&mut self, p: &str) -> Result<(), String> {
        if self.is_punct(p) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected `{p}`, found {:?}", self.peek()))
        }
    }

    /// The binary operator at the cursor and its precedence (PromQL's: `or` lowest, `^` highest).
    fn binary_operator(&self) -> Option<(String, u8)> {
        let op = match self.peek()? {
            Token::Punct(p) => p.to_string(),
            Token::Ident(w) => w.clone(),
            _ => return None,
        };
        let precedence = match op.as_str() {
            "or" => 1,
            "and" | "unless" => 2,
            "==" | "!=" | "<=" | ">=" | "<" | ">" => 3,
            "+" | "-" => 4,
            "*" | "/" | "%" | "atan2" => 5,
            "^" => 6,
            _ => return None,
        };
        Some((op, precedence))
    }

    fn expr(&mut self) -> Result<Node, String> {
        self.expr_above(0)
    }

    /// Precedence climbing; `^` is right-associative.
    fn expr_above(&mut self, min: u8) -> Result<Node, String> {
        let mut lhs = self.unary()?;
        while let Some((op, precedence)) = self.binary_operator() {
            if precedence < min {
                break;
            }
            self.at += 1;
            if self.is_ident("bool") {
                self.at += 1;
            }
            let mut matching = None;
            let mut group = None;
            if self.is_ident("on") || self.is_ident("ignoring") {
                let on = self.is_ident("on");
                self.at += 1;
                matching = Some((on, self.label_list()?));
                if self.is_ident("group_left") || self.is_ident("group_right") {
                    let left = self.is_ident("group_left");
                    self.at += 1;
                    let extra = if self.is_punct("(") {
                        self.label_list()?
                    } else {
                        Vec::new()
                    };
                    group = Some((left, extra));
                }
            }
            let rhs = self.expr_above(if op == "^" { precedence } else { precedence + 1 })?;
            lhs = Node::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                matching,
                group,
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Node, String> {
        if self.is_punct("-") || self.is_punct("+") {
            self.at += 1;
            return self.unary();
        }
        let node = self.primary()?;
        self.postfix(node)
    }

    fn postfix(&mut self, node: Node) -> Result<Node, String> {
        loop {
            if self.is_punct("[") {
                self.at += 1;
                self.duration()?;
                if self.is_punct(":") {
                    self.at += 1;
                    if !self.is_punct("]") {
                        self.duration()?;
                    }
                }
                self.expect("]")?;
            } else if self.is_ident("offset") {
                self.at += 1;
                if self.is_punct("-") {
                    self.at += 1;
                }
                self.duration()?;
            } else if self.is_punct("@") {
                self.at += 1;
                match self.peek() {
                    Some(Token::Number) | Some(Token::Var) => self.at += 1,
                    Some(Token::Ident(w)) if w == "start" || w == "end" => {
                        self.at += 1;
                        self.expect("(")?;
                        self.expect(")")?;
                    }
                    other => return Err(format!("unexpected {other:?} after @")),
                }
            } else {
                return Ok(node);
            }
        }
    }

    fn duration(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(Token::Number) | Some(Token::Var) => {
                self.at += 1;
                Ok(())
            }
            other => Err(format!("expected a duration, found {other:?}")),
        }
    }

    fn label_list(&mut self) -> Result<Vec<String>, String> {
        self.expect("(")?;
        let mut labels = Vec::new();
        while !self.is_punct(")") {
            match self.peek() {
                Some(Token::Ident(label)) => labels.push(label.clone()),
                other => return Err(format!("expected a label name, found {other:?}")),
            }
            self.at += 1;
            if self.is_punct(",") {
                self.at += 1;
            } else if !self.is_punct(")") {
                return Err(format!("expected `,` or `)` in a label list, found {:?}", self.peek()));
            }
        }
        self.at += 1;
        Ok(labels)
    }

    fn matchers(&mut self) -> Result<Vec<String>, String> {
        self.expect("{")?;
        let mut labels = Vec::new();
        while !self.is_punct("}") {
            let label = match self.peek() {
                Some(Token::Ident(label)) => label.clone(),
                other => return Err(format!("expected a label name in a selector, found {other:?}")),
            };
            self.at += 1;
            match self.peek() {
                Some(Token::Punct(op)) if ["=", "!=", "=~", "!~"].contains(op) => self.at += 1,
                other => return Err(format!("expected a matcher operator, found {other:?}")),
            }
            match self.peek() {
                Some(Token::Str(_)) => self.at += 1,
                other => return Err(format!("expected a quoted value, found {other:?}")),
            }
            labels.push(label);
            if self.is_punct(",") {
                self.at += 1;
            } else if !self.is_punct("}") {
                return Err(format!("expected `,` or `}}` after a matcher, found {:?}", self.peek()));
            }
        }
        self.at += 1;
        Ok(labels)
    }

    fn arguments(&mut self) -> Result<(Vec<Node>, Vec<String>), String> {
        self.expect("(")?;
        let mut args = Vec::new();
        let mut strings = Vec::new();
        while !self.is_punct(")") {
            if let Some(Token::Str(s)) = self.peek() {
                strings.push(s.clone());
                self.at += 1;
            } else {
                args.push(self.expr()?);
            }
            if self.is_punct(",") {
                self.at += 1;
            } else if !self.is_punct(")") {
                return Err(format!("expected `,` or `)`, found {:?}", self.peek()));
            }
        }
        self.at += 1;
        Ok((args, strings))
    }

    fn grouping(&mut self) -> Result<Option<(bool, Vec<String>)>, String> {
        if self.is_ident("by") || self.is_ident("without") {
            let by = self.is_ident("by");
            self.at += 1;
            return Ok(Some((by, self.label_list()?)));
        }
        Ok(None)
    }

    fn primary(&mut self) -> Result<Node, String> {
        let token = self.peek().cloned().ok_or("unexpected end of expression")?;
        match token {
            Token::Number | Token::Var | Token::Str(_) => {
                self.at += 1;
                Ok(Node::Scalar)
            }
            Token::Punct("(") => {
                self.at += 1;
                let inner = self.expr()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Punct("{") => {
                let matchers = self.matchers()?;
                Ok(Node::Selector(Selector { name: None, matchers }))
            }
            Token::Ident(word) => {
                let lower = word.to_ascii_lowercase();
                if lower == "inf" || lower == "nan" {
                    self.at += 1;
                    return Ok(Node::Scalar);
                }
                let next_is_paren = matches!(self.peek_at(1), Some(Token::Punct("(")));
                let next_is_grouping = matches!(self.peek_at(1), Some(Token::Ident(w)) if w == "by" || w == "without");
                if AGGREGATORS.contains(&word.as_str()) && (next_is_paren || next_is_grouping) {
                    self.at += 1;
                    let mut grouping = self.grouping()?;
                    let (mut args, _) = self.arguments()?;
                    if grouping.is_none() {
                        grouping = self.grouping()?;
                    }
                    if matches!(
                        word.as_str(),
                        "topk" | "bottomk" | "quantile" | "limitk" | "limit_ratio"
                    ) && args.len() == 2
                    {
                        args.remove(0);
                    }
                    return Ok(Node::Aggregate {
                        op: word,
                        grouping,
                        args,
                    });
                }
                if next_is_paren {
                    if !FUNCTIONS.contains(&word.as_str()) {
                        return Err(format!("unknown function {word}"));
                    }
                    self.at += 1;
                    let (args, strings) = self.arguments()?;
                    return Ok(Node::Call {
                        name: word,
                        args,
                        strings,
                    });
                }
                if !is_metric_name(&word) || SET_OPERATORS.contains(&word.as_str()) {
                    return Err(format!("unexpected {word}"));
                }
                self.at += 1;
                let matchers = if self.is_punct("{") {
                    self.matchers()?
                } else {
                    Vec::new()
                };
                Ok(Node::Selector(Selector {
                    name: Some(word),
                    matchers,
                }))
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }
}
