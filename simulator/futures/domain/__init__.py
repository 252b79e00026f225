"""Pure, framework-free futures domain: formatting, symbol rules, margin maths, position fold, order FSM."""
