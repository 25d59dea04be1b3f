"""The findings tree: groups with counts, severity colour and symbol on every node.

``show`` rebuilds it from ``Group`` values while keeping what the person did: expanded
nodes stay expanded, and the cursor stays on the same finding or, when that finding is
gone (fixed, filtered out), lands on its nearest neighbour.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from fastaudit.tui.grouping import Group, Grouping, Key
from fastaudit.tui.render import tree_label

# Up to this many findings, every level starts expanded; beyond it only the top ones.
EXPAND_ALL_UP_TO = 300

Trail = list[tuple[Key, int]]


class FindingsTree(Tree[Group]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tree.up"),
    ]

    class Rebuilt(Message):
        """The tree was rebuilt and its cursor restored."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("findings", id=id)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = True

    def nodes(self, node: TreeNode[Group] | None = None) -> Iterator[TreeNode[Group]]:
        for child in (node or self.root).children:
            yield child
            yield from self.nodes(child)

    @property
    def selected_group(self) -> Group | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def _trail(self) -> Trail | None:
        node = self.cursor_node
        if node is None or node.data is None:
            return None
        trail: Trail = []
        while node is not None and node.data is not None:
            parent = node.parent
            index = list(parent.children).index(node) if parent is not None else 0
            trail.append((node.data.key, index))
            node = parent
        return trail

    def show(
        self,
        groups: list[Group],
        grouping: Grouping,
        colors: dict[str, str],
        prefer: Key | None = None,
    ) -> None:
        """Rebuild from ``groups``; the cursor goes to ``prefer`` if given and present."""
        trail = self._trail()
        known: set[Key] = set()
        expanded: set[Key] = set()
        for node in self.nodes():
            if node.data is not None:
                known.add(node.data.key)
                if node.is_expanded:
                    expanded.add(node.data.key)
        total = sum(len(g.findings) for g in groups)
        by_key: dict[Key, TreeNode[Group]] = {}

        def should_expand(group: Group) -> bool:
            if group.key in known:
                return group.key in expanded
            return total <= EXPAND_ALL_UP_TO or group.kind == "family"

        def add(parent: TreeNode[Group], group: Group) -> None:
            label = tree_label(group, grouping, colors)
            if group.kind == "finding":
                by_key[group.key] = parent.add_leaf(label, data=group)
                return
            node = parent.add(label, data=group, expand=should_expand(group))
            by_key[group.key] = node
            for child in group.children:
                add(node, child)

        self.clear()
        for group in groups:
            add(self.root, group)
        target = by_key.get(prefer) if prefer is not None else None
        target = target or self._restore(trail, by_key)
        self.call_after_refresh(self._finish_rebuild, target)

    def _finish_rebuild(self, target: TreeNode[Group] | None) -> None:
        if target is not None:
            node = target.parent
            while node is not None and node is not self.root:
                node.expand()
                node = node.parent
            self.call_after_refresh(self._place_cursor, target)
        else:
            self.post_message(self.Rebuilt())

    def _place_cursor(self, target: TreeNode[Group]) -> None:
        self.move_cursor(target)
        self.post_message(self.Rebuilt())

    def _first_leaf(self, node: TreeNode[Group]) -> TreeNode[Group]:
        while node.children and node.is_expanded:
            node = node.children[0]
        return node

    def _restore(
        self, trail: Trail | None, by_key: dict[Key, TreeNode[Group]]
    ) -> TreeNode[Group] | None:
        top = self.root.children
        if not top:
            return None
        if trail is None:
            return self._first_leaf(top[0])
        for depth, (key, _) in enumerate(trail):
            node = by_key.get(key)
            if node is None:
                continue
            if depth == 0:
                return node
            children = node.children
            if not children:
                return node
            lost_index = trail[depth - 1][1]
            return self._first_leaf(children[min(lost_index, len(children) - 1)])
        lost_index = trail[-1][1]
        return self._first_leaf(top[min(lost_index, len(top) - 1)])

    def select_key(self, key: Key) -> bool:
        """Move the cursor to the node with ``key``; False when there is none."""
        for node in self.nodes():
            if node.data is not None and node.data.key == key:
                self._finish_rebuild(node)
                return True
        return False
