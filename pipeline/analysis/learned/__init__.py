"""Learned decisions over the rules' features: features, units, the linear models, revision."""
