"""Readers and writers of the file formats researchers' tools use."""
