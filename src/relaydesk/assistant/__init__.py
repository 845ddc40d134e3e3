"""The assistant's turn: pure logic plus models, given its I/O through interfaces."""
