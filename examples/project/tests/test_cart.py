from shop.cart import Cart, Item


def test_total() -> None:
    cart = Cart()
    cart.add(Item("tea", 350, quantity=2))
    assert cart.total_cents() == 700
