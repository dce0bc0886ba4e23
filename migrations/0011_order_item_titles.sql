-- Order lines keep the product's title and SKU as they were when the order was placed (as Shopify's
-- line items do): a confirmation e-mail or a receipt names what was bought even after the product
-- is renamed or deleted. Lines placed before this migration take the product's current ones.
ALTER TABLE order_items ADD COLUMN title TEXT;
ALTER TABLE order_items ADD COLUMN sku TEXT;
UPDATE order_items
   SET title = (SELECT p.title FROM products p WHERE p.id = order_items.product_id),
       sku = (SELECT p.sku FROM products p WHERE p.id = order_items.product_id);
