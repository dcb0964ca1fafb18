"""Code shared by Networker's plugins and commands (not a Pelican plugin itself)."""
