// Strapi's generated REST routes for products (/api/products), unchanged.
const { factories } = require("@strapi/strapi");

module.exports = factories.createCoreRouter("api::product.product");
