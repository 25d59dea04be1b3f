"""The findings tree: groups with counts, severity colour and symbol on every node.

``show`` updates it from ``Group`` values in place, keeping what the person did: expanded
nodes stay expanded, and the cursor stays on the same finding or, when that finding is
gone (fixed, filtered out), lands on its nearest neighbour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from fastaudit.tui.grouping import Group, Grouping, Key
from fastaudit.tui.render import fix_badge, tree_label

# Up to this many findings, every level starts expanded; beyond it only the top ones.
EXPAND_ALL_UP_TO = 300

Trail = list[tuple[Key, int]]


def _label_key(group: Group) -> tuple[object, ...]:
    """What a node's label shows besides its key: when equal, the label is unchanged."""
    finding = group.finding
    if finding is not None:
        return (finding.severity, fix_badge(finding))
    return (group.worst, len(group.findings))


class FindingsTree(Tree[Group]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="tree.down"),
        Binding("k", "cursor_up", "Up", show=False, id="tree.up"),
    ]

    class Rebuilt(Message):
        """The tree was rebuilt and its cursor restored."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("findings", id=id)
        self._by_key: dict[Key, TreeNode[Group]] = {}
        self._label_keys: dict[Key, tuple[object, ...]] = {}
        self._shown_as: tuple[Grouping, dict[str, str]] = (Grouping.RULE, {})
        # Groups whose child nodes exist; the others get theirs when first expanded, so
        # thousands of findings under collapsed groups cost nothing until looked at.
        self._populated: set[Key] = set()
        self._parents: dict[Key, Key | None] = {}
        self._expand: Callable[[Group], bool] = lambda group: False
        self._auto_target: TreeNode[Group] | None = None
        self._pending: TreeNode[Group] | None = None
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = True

    def nodes(self, node: TreeNode[Group] | None = None) -> Iterator[TreeNode[Group]]:
        for child in (node or self.root).children:
            yield child
            yield from self.nodes(child)

    def first_finding(self) -> TreeNode[Group] | None:
        """The first finding node (expanded or not): every group holds at least one."""
        node: TreeNode[Group] = self.root
        while node.children:
            node = node.children[0]
        return node if node.data is not None and node.data.finding is not None else None

    @property
    def selected_group(self) -> Group | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def _trail(self, node: TreeNode[Group] | None) -> Trail | None:
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
        *,
        streaming: bool = False,
    ) -> None:
        """Show ``groups``; the cursor goes to ``prefer`` if given and present.

        The tree is updated in place: nodes whose group is unchanged are kept (with their
        expansion and the cursor), only new, changed and removed ones are touched, so a
        scan streaming thousands of findings costs little per update. A change of
        grouping or theme rebuilds it from scratch."""
        # Where the cursor is, or is about to be placed by the previous update.
        cursor = self._pending if self._pending is not None else self.cursor_node
        trail = self._trail(cursor)
        cursor_key = cursor.data.key if cursor is not None and cursor.data is not None else None
        if (grouping, colors) != self._shown_as or not self._by_key:
            expanded = {k for k, node in self._by_key.items() if node.is_expanded}
            known = set(self._by_key)
            self.clear()
            self._by_key.clear()
            self._label_keys.clear()
            self._populated.clear()
            self._shown_as = (grouping, dict(colors))
        else:
            expanded, known = set(), set()
        total = sum(len(g.findings) for g in groups)
        self._parents = {}
        for group in groups:
            self._index(group, None)

        def expand(group: Group) -> bool:
            if group.key in known:
                return group.key in expanded
            return total <= EXPAND_ALL_UP_TO or group.kind == "family"

        self._expand = expand
        self._sync(self.root, groups)
        target = self.materialize(prefer) if prefer is not None else None
        # While a scan streams findings in, the cursor follows the first finding of the tree
        # until the person moves it; after that it stays where they put it.
        placed_by_us = streaming and cursor is not None and cursor is self._auto_target
        if target is None and placed_by_us:
            trail = None
        elif target is None and cursor_key is not None and self._by_key.get(cursor_key) is cursor:
            target = cursor
        if target is None:
            target = self._restore(trail)
            self._auto_target = target if trail is None else None
        else:
            self._auto_target = None
        self._pending = target
        self.call_after_refresh(self._finish_rebuild, target)

    def _index(self, group: Group, parent: Key | None) -> None:
        self._parents[group.key] = parent
        for child in group.children:
            self._index(child, group.key)

    def materialize(self, key: Key) -> TreeNode[Group] | None:
        """The node of ``key``, creating it (and its ancestors' children) if needed."""
        node = self._by_key.get(key)
        if node is not None or key not in self._parents:
            return node
        chain: list[Key] = []
        ancestor = self._parents[key]
        while ancestor is not None:
            chain.append(ancestor)
            ancestor = self._parents.get(ancestor)
        for ancestor in reversed(chain):
            parent = self._by_key.get(ancestor)
            if parent is None:
                return None
            self._populate(parent)
        return self._by_key.get(key)

    def _populate(self, node: TreeNode[Group]) -> None:
        group = node.data
        if group is not None and group.kind != "finding" and group.key not in self._populated:
            self._populated.add(group.key)
            self._sync(node, group.children)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Group]) -> None:
        self._populate(event.node)

    def _sync(self, parent: TreeNode[Group], groups: list[Group]) -> None:
        grouping, colors = self._shown_as
        wanted = {g.key: i for i, g in reversed(list(enumerate(groups)))}
        kept: list[int] = []
        for child in list(parent.children):
            key = child.data.key if child.data is not None else None
            if key in wanted and self._by_key.get(key) is child:
                kept.append(wanted[key])
            else:
                self._forget(child)
                child.remove()
        if kept != sorted(kept):  # an order changed: this level is rebuilt
            for child in list(parent.children):
                self._forget(child)
                child.remove()
        used: set[Key] = set()
        for index, group in enumerate(groups):
            node = self._by_key.get(group.key) if group.key not in used else None
            label_key = _label_key(group)
            if node is None or node.parent is not parent:
                label = tree_label(group, grouping, colors)
                if group.kind == "finding":
                    node = parent.add_leaf(label, data=group, before=index)
                else:
                    opened = self._expand(group)
                    node = parent.add(label, data=group, before=index, expand=opened)
                    if opened:
                        self._populated.add(group.key)
                if group.key not in used:
                    self._by_key[group.key] = node
                    self._label_keys[group.key] = label_key
            else:
                node.data = group
                if self._label_keys.get(group.key) != label_key:
                    node.set_label(tree_label(group, grouping, colors))
                    self._label_keys[group.key] = label_key
            used.add(group.key)
            if group.key in self._populated:
                self._sync(node, group.children)

    def _forget(self, node: TreeNode[Group]) -> None:
        for child in node.children:
            self._forget(child)
        if node.data is not None and self._by_key.get(node.data.key) is node:
            del self._by_key[node.data.key]
            self._label_keys.pop(node.data.key, None)
            self._populated.discard(node.data.key)

    def _finish_rebuild(self, target: TreeNode[Group] | None) -> None:
        if target is not self._pending and self._pending is not None:
            return  # a later update placed the cursor elsewhere
        if target is not None:
            node = target.parent
            while node is not None and node is not self.root:
                node.expand()
                node = node.parent
            self.call_after_refresh(self._place_cursor, target)
        else:
            self.post_message(self.Rebuilt())

    def _place_cursor(self, target: TreeNode[Group]) -> None:
        if target is not self._pending:
            return
        self._pending = None
        self.move_cursor(target)
        self.post_message(self.Rebuilt())

    def _first_leaf(self, node: TreeNode[Group]) -> TreeNode[Group]:
        """The first finding under ``node`` (its groups are opened on the way)."""
        self._populate(node)
        while node.children:
            node = node.children[0]
            self._populate(node)
        return node

    def _restore(self, trail: Trail | None) -> TreeNode[Group] | None:
        top = self.root.children
        if not top:
            return None
        if trail is None:
            return self._first_leaf(top[0])
        for depth, (key, _) in enumerate(trail):
            node = self.materialize(key)
            if node is None:
                continue
            if depth == 0:
                return node
            self._populate(node)
            children = node.children
            if not children:
                return node
            lost_index = trail[depth - 1][1]
            return self._first_leaf(children[min(lost_index, len(children) - 1)])
        lost_index = trail[-1][1]
        return self._first_leaf(top[min(lost_index, len(top) - 1)])

    def select_key(self, key: Key) -> bool:
        """Move the cursor to the node with ``key``; False when there is none."""
        node = self.materialize(key)
        if node is None:
            return False
        self._pending = node
        self._auto_target = None
        self._finish_rebuild(node)
        return True
