"""The demo catalog: six categories of nine products. Loaded by `python -m storefront.backend seed`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeedCategory:
    slug: str
    name: str
    sku_prefix: str
    # Base colour of the generated product images of this category.
    hue: int


@dataclass(frozen=True, slots=True)
class SeedProduct:
    name: str
    price_cents: int
    stock: int
    description: str


CATEGORIES = (
    SeedCategory("coffee", "Coffee", "COF", 25),
    SeedCategory("tea", "Tea", "TEA", 110),
    SeedCategory("kitchen", "Kitchen", "KIT", 200),
    SeedCategory("books", "Books", "BOO", 260),
    SeedCategory("stationery", "Stationery", "STA", 320),
    SeedCategory("apparel", "Apparel", "APP", 0),
)

PRODUCTS: dict[str, tuple[SeedProduct, ...]] = {
    "coffee": (
        SeedProduct(
            "Ethiopia Yirgacheffe Beans",
            1650,
            40,
            "Washed light roast with jasmine and bergamot notes, 340 g.",
        ),
        SeedProduct(
            "Colombia Huila Beans", 1450, 55, "Medium roast, caramel sweetness and red apple acidity, 340 g."
        ),
        SeedProduct(
            "Sumatra Mandheling Beans",
            1550,
            30,
            "Dark roast, earthy and full bodied with cedar notes, 340 g.",
        ),
        SeedProduct(
            "House Espresso Blend", 1350, 80, "Chocolate and hazelnut blend built for milk drinks, 500 g."
        ),
        SeedProduct(
            "Decaf Swiss Water Beans", 1500, 25, "Chemical-free decaffeinated Brazil with cocoa notes, 340 g."
        ),
        SeedProduct(
            "Cold Brew Coarse Grind", 1250, 35, "Coarse ground blend for twelve-hour cold brew, 450 g."
        ),
        SeedProduct("Kenya AA Beans", 1850, 20, "Bright blackcurrant and grapefruit, light roast, 250 g."),
        SeedProduct(
            "Guatemala Antigua Beans", 1550, 45, "Balanced cup with milk chocolate and spice, 340 g."
        ),
        SeedProduct("Espresso Sampler Box", 2900, 15, "Four 100 g bags of our current espresso roasts."),
    ),
    "tea": (
        SeedProduct(
            "Darjeeling First Flush", 1800, 30, "Muscatel spring harvest from the Himalayan foothills, 100 g."
        ),
        SeedProduct("Assam Breakfast", 950, 60, "Malty, strong black tea that takes milk well, 200 g."),
        SeedProduct("Sencha Green Tea", 1200, 40, "Steamed Japanese green tea, grassy and sweet, 100 g."),
        SeedProduct("Jasmine Pearls", 1600, 25, "Hand-rolled green tea scented with jasmine blossoms, 75 g."),
        SeedProduct(
            "Earl Grey Supreme", 1100, 50, "Black tea with bergamot oil and blue cornflowers, 150 g."
        ),
        SeedProduct("Rooibos Vanilla", 850, 45, "Caffeine-free South African red bush with vanilla, 150 g."),
        SeedProduct("Oolong Tie Guan Yin", 1950, 20, "Lightly oxidised oolong with orchid aroma, 100 g."),
        SeedProduct(
            "Peppermint Leaves", 700, 70, "Whole dried peppermint leaves for a clean herbal cup, 80 g."
        ),
        SeedProduct("Matcha Ceremonial Grade", 2800, 18, "Stone-ground shade-grown green tea powder, 30 g."),
    ),
    "kitchen": (
        SeedProduct(
            "Pour-Over Dripper", 2400, 35, "Ceramic cone dripper with spiral ribs, fits size 02 filters."
        ),
        SeedProduct("Gooseneck Kettle", 5900, 20, "Stainless steel kettle with a thermometer, 1 litre."),
        SeedProduct("Burr Coffee Grinder", 8900, 12, "Conical steel burrs with 40 grind settings."),
        SeedProduct("French Press 8 Cup", 3400, 28, "Borosilicate glass and steel press, 1 litre."),
        SeedProduct(
            "Cast Iron Teapot", 4500, 15, "Japanese tetsubin-style pot with a steel infuser, 800 ml."
        ),
        SeedProduct("Digital Coffee Scale", 2900, 40, "0.1 g resolution scale with a built-in timer."),
        SeedProduct("Milk Frothing Pitcher", 1900, 50, "Stainless steel pitcher with a sharp spout, 600 ml."),
        SeedProduct("Paper Filters 100 Pack", 600, 150, "Unbleached size 02 cone filters."),
        SeedProduct(
            "Glass Tea Infuser Mug", 2200, 32, "Double-walled mug with a removable glass infuser, 350 ml."
        ),
    ),
    "books": (
        SeedProduct(
            "The World Atlas of Coffee",
            3500,
            14,
            "From beans to brewing: coffees explored, explained, enjoyed.",
        ),
        SeedProduct(
            "The Story of Tea", 3200, 10, "A cultural history and drinking guide to the world's teas."
        ),
        SeedProduct(
            "Home Barista Handbook", 2400, 22, "Dial in espresso at home: grind, dose, yield and time."
        ),
        SeedProduct("Slow Mornings", 1800, 30, "Essays on breakfast, ritual and the first cup of the day."),
        SeedProduct("Roasting at Home", 2600, 12, "Roast green coffee in a pan, an oven or a popcorn maker."),
        SeedProduct("Tea Gardens of Asia", 4200, 8, "A photographic journey through tea estates, hardcover."),
        SeedProduct("Cafe Recipes", 2100, 25, "Seventy recipes for pastries and drinks from small cafes."),
        SeedProduct(
            "The Science of Brewing", 2900, 16, "Extraction, water chemistry and the physics of the cup."
        ),
        SeedProduct("Latte Art Basics", 1500, 35, "Hearts, tulips and rosettas, step by step."),
    ),
    "stationery": (
        SeedProduct("Dot Grid Notebook A5", 1400, 90, "192 pages of 100 gsm paper with a lay-flat binding."),
        SeedProduct(
            "Fountain Pen Medium Nib", 3200, 25, "Steel nib pen with a converter and two cartridges."
        ),
        SeedProduct(
            "Coffee Tasting Journal", 1600, 40, "Log origin, roast, recipe and flavour for 100 cups."
        ),
        SeedProduct("Recycled Kraft Postcards", 900, 120, "Twenty blank postcards on recycled kraft board."),
        SeedProduct("Brass Bookmark Set", 1100, 60, "Three engraved brass bookmarks in a linen pouch."),
        SeedProduct("Weekly Desk Planner", 1700, 45, "Undated tear-off weekly planner, 54 sheets."),
        SeedProduct("Bottled Ink Sepia", 1300, 30, "Water-based fountain pen ink, 50 ml."),
        SeedProduct("Washi Tape Trio", 800, 85, "Three rolls of Japanese paper tape in earth tones."),
        SeedProduct("Leather Pencil Case", 2500, 20, "Vegetable-tanned leather roll for twelve pens."),
    ),
    "apparel": (
        SeedProduct("Barista Apron", 3800, 30, "Heavy cotton canvas apron with leather straps."),
        SeedProduct("Roastery T-Shirt", 2400, 75, "Organic cotton tee with the roastery logo."),
        SeedProduct("Knit Beanie", 2000, 40, "Merino wool beanie, one size."),
        SeedProduct("Canvas Tote Bag", 1500, 100, "Sturdy tote that fits a week of groceries."),
        SeedProduct("Crew Neck Sweatshirt", 4800, 25, "Brushed fleece sweatshirt in oat."),
        SeedProduct("Coffee Socks", 1200, 80, "Cotton blend socks with a coffee bean pattern."),
        SeedProduct("Enamel Pin Set", 1000, 65, "Three enamel pins: bean, kettle and teapot."),
        SeedProduct("Baseball Cap", 2200, 45, "Unstructured six-panel cotton cap."),
        SeedProduct("Rain Jacket", 8900, 10, "Packable waterproof jacket with taped seams."),
    ),
}


def slugify(name: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())
