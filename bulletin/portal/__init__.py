"""The contributors' portal (``/contribute/``): correspondents (通讯员) of the units register or
accept an invitation, submit pieces, follow them in their own words, send a revision when a
piece is sent back and answer its proof. They see their own submissions and nothing else of the
office's: not the admin, not the review record, not another unit's pieces. What they do is
``bulletin.workflow.contributions``'; what they are told, ``bulletin.contributions``'.
"""
